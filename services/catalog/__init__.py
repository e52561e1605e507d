"""Catalog service. Providers, their products and declared prices, and the best-practice library."""
