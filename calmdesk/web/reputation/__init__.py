"""The reputation pages: /reputation/ (per location and brand), one review, CSV export."""
