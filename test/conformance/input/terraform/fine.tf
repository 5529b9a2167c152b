# Valid HCL that a naive reader would trip over: interpolation, a heredoc, a for expression, a dynamic block.
locals {
  domes = ["north", "south"]
  motd  = <<-EOT
    Observatory network: ${length(local.domes)} domes # near-miss: hcl-syntax
  EOT
}

resource "oci_core_security_list" "domes" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "domes-${terraform.workspace}" # near-miss: hcl-syntax

  dynamic "ingress_security_rules" { # near-miss: rules-not-evaluated
    for_each = { for i, d in local.domes : d => 31200 + i }
    content {
      protocol = "6"
      source   = "10.33.0.0/16"
      tcp_options {
        min = ingress_security_rules.value
        max = ingress_security_rules.value
      }
    }
  }
}
