"""IMAP mailboxes: the client (stdlib imaplib), the fetcher, its task, and the config pages."""
