"""Everything that reads users' files: facility lists and their layouts (presets), key
institution and hub lists, addresses, population and projections, reference layers,
tables in any of the usual formats, import logs, and the official N03 download."""
