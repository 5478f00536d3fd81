module "apps" {
  source   = "./modules/app"
  for_each = { web = "DEFAULT", batch = "NONE" }

  name         = each.key
  exec_logging = each.value
}

module "legacy" {
  source = "./modules/app"
  count  = 1

  name         = "legacy"
  exec_logging = "OVERRIDE"
}
