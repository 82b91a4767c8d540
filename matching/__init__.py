"""Buurtplein matching library: plain data in, ranked and explained suggestions out."""
