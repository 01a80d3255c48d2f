"""The VCS portal's front door: sign-up follow-on, claiming an organisation, keeping its profile current (PRODUCT.md §2.13)."""
