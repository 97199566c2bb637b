"""Advice reports: the AdviceReport value and its renderings (above the domains)."""
