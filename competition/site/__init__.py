"""What stands above the features: sign-in, the home pages, the API's documentation page."""

from competition.site import auth, pages  # noqa: F401
