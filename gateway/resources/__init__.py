"""The gateway's resources: one module per resource of the route tables
(``gateway.routes``), each a small class given its collaborators explicitly
(RPC proxies, the read model, the store). ``gateway.service`` builds them for
each request from the worker's dependencies: the one place they are wired."""
