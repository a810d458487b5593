"""Japanese-tokenised hybrid text search and structured facility search."""
