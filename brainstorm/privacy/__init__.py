"""Personal data (AVG) across the domains: download, removal on request, purge."""
