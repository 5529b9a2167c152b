# Worker rules of a small OKE network: the node ports from the Oracle services network's CIDR, SSH from the VCN.
variable "vcn_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

data "oci_core_services" "all" {}

resource "oci_core_security_list" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.oke.id
  display_name   = "workers"

  ingress_security_rules { # expect: rules-not-evaluated
    description = "node ports"
    protocol    = "6"
    source      = data.oci_core_services.all.services[0].cidr_block
    tcp_options {
      min = 30000
      max = 32767
    }
  }

  ingress_security_rules { # near-miss: rules-not-evaluated
    description = "ssh from the VCN"
    protocol    = "6"
    source      = var.vcn_cidr
    tcp_options {
      min = 22
      max = 22
    }
  }
}
