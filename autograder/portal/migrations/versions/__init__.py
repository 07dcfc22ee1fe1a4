"""One module per schema revision of the portal's tables, oldest first."""
