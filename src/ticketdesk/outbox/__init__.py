"""Outgoing e-mail: the transactional outbox table, its sender task and SMTP delivery.

Knows nothing of tickets. Other apps queue finished messages with
`ticketdesk.outbox.services.queue_mail` (see that module for the API);
`sender` delivers them, `tasks.send_outbox` runs the sender in the background
and `ticketdesk send_mail` runs it once from the command line.
"""
