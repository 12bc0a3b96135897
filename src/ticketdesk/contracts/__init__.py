"""Point-based support contracts: contracts per customer, their ledger of point movements."""
