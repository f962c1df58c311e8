"""Exports: the catalogue in other shapes. browser.py writes what the static site's search
reads; tabular.py the CSV; jsonld.py the schema.org data of entry pages."""
