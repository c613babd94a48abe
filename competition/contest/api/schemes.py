"""Marking schemes (评分细则) and item marks through the API."""
