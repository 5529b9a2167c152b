resource "oci_core_security_list" "nodes" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "garden-nodes"

  ingress_security_rules {
    protocol = "6"
    source   = "10.90.4.0/24"
    tcp_options {
      min = 31280
      max = 31280
    }
  }

  ingress_security_rules {
    protocol = "6"
    source   = "10.90.4.0/24"
    tcp_options {
      min = 10256
      max = 10256
    }
  }
}

resource "oci_core_security_list" "edge" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "garden-edge"

  egress_security_rules {
    protocol    = "all"
    destination = "0.0.0.0/0"
  }

  ingress_security_rules {
    protocol = "6"
    source   = "0.0.0.0/0"
    tcp_options {
      min = 443
      max = 443
    }
  }
}
