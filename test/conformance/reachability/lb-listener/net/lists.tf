resource "oci_core_security_list" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "ticketing-workers"

  ingress_security_rules {
    protocol = "6"
    source   = "10.70.0.0/24"
    tcp_options {
      min = 30000
      max = 32767
    }
  }

  ingress_security_rules {
    protocol = "6"
    source   = "10.70.0.0/24"
    tcp_options {
      min = 10256
      max = 10256
    }
  }
}

resource "oci_core_security_list" "frontends" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "ticketing-frontends"

  egress_security_rules {
    description = "to the worker nodes: node ports and kube-proxy's health check"
    protocol    = "6"
    destination = "10.70.1.0/24"
    tcp_options {
      min = 10256
      max = 32767
    }
  }

  ingress_security_rules {
    description = "box office terminals"
    protocol    = "6"
    source      = "198.51.100.0/24"
    tcp_options {
      min = 443
      max = 443
    }
  }

  ingress_security_rules {
    description = "public pages"
    protocol    = "6"
    source      = "0.0.0.0/0"
    tcp_options {
      min = 8000
      max = 8999
    }
  }
}
