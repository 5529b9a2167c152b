resource "oci_core_security_list" "radar_nodes" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "radar-nodes"

  ingress_security_rules {
    protocol = "6"
    source   = "10.44.0.0/16"
    tcp_options {
      min = 30000
      max = 30999
    }
  }
}
