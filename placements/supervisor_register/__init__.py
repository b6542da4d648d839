"""The supervisor register's pages, for managers and the municipality's own contacts."""
