"""Craftsman class reviews: an expert panel scores and comments on each trainee's trial lecture."""
