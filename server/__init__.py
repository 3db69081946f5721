"""The central server: issues signed documents, hands out print jobs, verifies papers."""
