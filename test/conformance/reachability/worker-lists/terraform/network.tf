resource "oci_core_security_list" "auction_workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "auction-workers"

  ingress_security_rules {
    description = "load balancers to the bidding node ports"
    protocol    = "6"
    source      = "10.40.1.0/24"
    tcp_options {
      min = 30800
      max = 30899
    }
  }

  ingress_security_rules {
    description = "the office network to the catalogue"
    protocol    = "6"
    source      = "192.0.2.0/23"
    tcp_options {
      min = 30830
      max = 30830
    }
  }

  ingress_security_rules {
    description = "result feed, UDP"
    protocol    = "17"
    source      = "0.0.0.0/0"
    udp_options {
      min = 30950
      max = 30950
    }
  }
}

resource "oci_core_network_security_group" "auction_nodes" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "auction-nodes"
}

resource "oci_core_network_security_group_security_rule" "search_from_anywhere" {
  network_security_group_id = oci_core_network_security_group.auction_nodes.id
  direction                 = "INGRESS"
  protocol                  = "6"
  source                    = "0.0.0.0/0"
  source_type               = "CIDR_BLOCK"
  tcp_options {
    destination_port_range {
      min = 30960
      max = 30960
    }
  }
}
