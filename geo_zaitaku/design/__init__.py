"""Proposing plans: home-care areas (:mod:`~geo_zaitaku.design.areas`) and hub or key
institution sites (:mod:`~geo_zaitaku.design.hubs`) by exact optimisation with HiGHS."""
