"""Everything that reads users' files: facility lists and their layouts (presets), key
institution and hub lists, addresses, postal codes and placement rules, population and
projections, reference layers, tables in any of the usual formats, import logs, and the
official downloads (N03 boundaries, 位置参照情報 towns)."""
