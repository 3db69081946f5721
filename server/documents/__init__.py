"""Issued documents: what is printed on them and how they are rendered to PDF."""
