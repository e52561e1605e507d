"""Values the services and the gateway must agree on."""

DATASET_KINDS = ("rpw-quotes", "rpw-corridor-averages", "bilateral-matrix", "country-flows")
PERIOD_PATTERN = r"^\d{4}Q[1-4]$"  # 2014Q2, the API's form
ISO3_PATTERN = r"^[A-Z]{3}$"
