"""Source documents and facility data turned into citable records (the bottom layer)."""
