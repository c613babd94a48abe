"""Award programmes of the federation, such as the outdoor workers' service stations
(最美工会户外劳动者服务站点, domain.md §3): units recommend, a panel reviews against published
criteria, a notice, a confirmation. The same shape as the craftsman reviews, reusing their
panel and scoring rules."""
