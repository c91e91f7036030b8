"""``python -m geo_zaitaku`` runs the CLI."""

from geo_zaitaku.cli import main

main()
