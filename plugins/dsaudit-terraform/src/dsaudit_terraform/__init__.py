"""dsaudit plugin: Terraform (.tf) files as config resources, and the terraform-cn rule pack."""

__version__ = "0.1.0"
