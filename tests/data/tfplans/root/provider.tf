# Offline planning: dummy credentials, no API call at plan time (-refresh=false).
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "AKIAEXAMPLEEXAMPLE00"
  secret_key                  = "dummy-secret-key-for-offline-plans"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
