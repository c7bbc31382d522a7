"""The web shell: page-or-fragment rendering, errors, layout, static files."""
