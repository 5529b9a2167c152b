# Rules for the observatory's telescope controllers; one rule has a doubled "=".
resource "oci_core_security_list" "telescopes" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "telescopes"

  ingress_security_rules {
    protocol = = "6" # expect: hcl-syntax
    source   = "10.33.0.0/16"
    tcp_options {
      min = 30000
      max = 32767
    }
  }
}
