resource "oci_core_security_list" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "harbour-workers"

  ingress_security_rules {
    description = "everything from the load-balancer subnet"
    protocol    = "6"
    source      = "10.80.0.0/24"
  }
}

resource "oci_core_security_list" "edge" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "harbour-edge"

  ingress_security_rules {
    protocol = "6"
    source   = "0.0.0.0/0"
    tcp_options {
      min = 443
      max = 443
    }
  }

  egress_security_rules {
    description = "to the worker nodes, the harbour's node ports only"
    protocol    = "6"
    destination = "10.80.1.0/24"
    tcp_options {
      min = 30400
      max = 30499
    }
  }
}
