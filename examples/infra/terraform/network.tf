# Worker and load-balancer subnet rules of the shop's OKE cluster (excerpt).

locals {
  lb_subnet_cidr = "10.0.20.0/24"
  node_port_min  = 30000
  node_port_max  = 32767
}

resource "oci_core_security_list" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.shop.id
  display_name   = "shop-workers"

  ingress_security_rules {
    description = "load balancers to node ports"
    protocol    = "6"
    source      = local.lb_subnet_cidr
    tcp_options {
      min = local.node_port_min
      max = local.node_port_max
    }
  }

  ingress_security_rules {
    description = "load balancers to kube-proxy health check"
    protocol    = "6"
    source      = local.lb_subnet_cidr
    tcp_options {
      min = 10256
      max = 10256
    }
  }

  ingress_security_rules {
    description = "ssh from the bastion"
    protocol    = "6"
    source      = "10.0.0.0/29"
    tcp_options {
      min = 22
      max = 22
    }
  }
}

resource "oci_core_security_list" "load_balancers" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.shop.id
  display_name   = "shop-load-balancers"

  ingress_security_rules {
    description = "HTTPS from anywhere"
    protocol    = "6"
    source      = "0.0.0.0/0"
    tcp_options {
      min = 443
      max = 443
    }
  }
}
