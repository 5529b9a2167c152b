/**
 * Terraform fixtures in the shapes real OKE repositories use: a local network module whose NSG rules are one
 * `for_each` over `merge()` of `locals` maps, with `dynamic "tcp_options"` and a nested dynamic
 * `destination_port_range` (as terraform-oci-oke's `modules/network` writes them); a root module that calls it
 * with inputs taken by `lookup()` from a map variable's default (as MuShop does), a security list with a
 * `dynamic` block over a variable, and a `terraform.tfvars` that overrides two variables.
 */
import { FileEntry } from '../../../server/src/engine/workspace/files';
import { classify } from '../../../server/src/engine/util/file-kinds';

export const NETWORK_VARIABLES = `variable "compartment_id" {
  type = string
}

variable "vcn_id" {
  type = string
}

variable "vcn_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "lb_cidr" {
  type    = string
  default = "10.0.20.0/24"
}

variable "node_port_min" {
  default = 30000
}

variable "allow_ssh_from" {
  type    = list(string)
  default = []
}
`;

export const NETWORK_LOCALS = `locals {
  tcp_protocol   = 6
  udp_protocol   = 17
  all_protocols  = "all"
  rule_type_cidr = "CIDR_BLOCK"
  rule_type_nsg  = "NETWORK_SECURITY_GROUP"
  node_port_max  = 32767
  health_port    = 10256
  workers_cidr   = cidrsubnet(var.vcn_cidr, 8, 10)

  workers_rules = {
    "Allow TCP NodePorts from load balancers" : {
      protocol = local.tcp_protocol, port_min = var.node_port_min, port_max = local.node_port_max,
      source = var.lb_cidr, source_type = local.rule_type_cidr,
    },
    "Allow UDP NodePorts from load balancers" : {
      protocol = local.udp_protocol, port_min = var.node_port_min, port_max = local.node_port_max,
      source = var.lb_cidr, source_type = local.rule_type_cidr,
    },
    "Allow health checks from load balancers" : {
      protocol = local.tcp_protocol, port = local.health_port, source = local.lb_nsg_id, source_type = local.rule_type_nsg,
    },
    "Allow all from other workers" : {
      protocol = local.all_protocols, source = local.workers_cidr, source_type = local.rule_type_cidr,
    },
  }

  ssh_rules = { for cidr in var.allow_ssh_from : "Allow SSH from \${cidr}" => {
    protocol = local.tcp_protocol, port = 22, source = cidr, source_type = local.rule_type_cidr,
  } }

  lb_nsg_id     = one(oci_core_network_security_group.lb[*].id)
  worker_nsg_id = oci_core_network_security_group.workers.id

  all_rules = { for k, v in merge(local.workers_rules, local.ssh_rules) : k => merge(v, { nsg_id = local.worker_nsg_id }) }
}
`;

export const NETWORK_NSG = `resource "oci_core_network_security_group" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "workers"
}

resource "oci_core_network_security_group" "lb" {
  count          = 1
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "lb-\${count.index}"
}

resource "oci_core_network_security_group_security_rule" "oke" {
  for_each                  = local.all_rules
  network_security_group_id = each.value.nsg_id
  description               = each.key
  direction                 = "INGRESS"
  protocol                  = each.value.protocol
  source                    = each.value.source
  source_type               = each.value.source_type
  stateless                 = false

  dynamic "tcp_options" {
    for_each = tostring(each.value.protocol) == "6" ? [each.value] : []
    content {
      dynamic "destination_port_range" {
        for_each = contains(keys(tcp_options.value), "port") || contains(keys(tcp_options.value), "port_min") ? [tcp_options.value] : []
        content {
          min = lookup(destination_port_range.value, "port_min", lookup(destination_port_range.value, "port", null))
          max = lookup(destination_port_range.value, "port_max", lookup(destination_port_range.value, "port", null))
        }
      }
    }
  }

  dynamic "udp_options" {
    for_each = tostring(each.value.protocol) == "17" ? [each.value] : []
    content {
      destination_port_range {
        min = udp_options.value.port_min
        max = udp_options.value.port_max
      }
    }
  }
}

output "worker_nsg_id" {
  value = oci_core_network_security_group.workers.id
}
`;

export const ROOT_MAIN = `variable "compartment_id" {}

variable "network_cidrs" {
  type = map(string)
  default = {
    VCN-CIDR       = "10.0.0.0/16"
    LB-SUBNET-CIDR = "10.0.20.0/24"
    ALL-CIDR       = "0.0.0.0/0"
  }
}

variable "admin_cidrs" {
  default = ["192.0.2.0/24"]
}

variable "lb_ports" {
  default = [80]
}

resource "oci_core_vcn" "main" {
  compartment_id = var.compartment_id
  cidr_blocks    = [lookup(var.network_cidrs, "VCN-CIDR")]
}

module "network" {
  source         = "./network"
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.main.id
  vcn_cidr       = lookup(var.network_cidrs, "VCN-CIDR")
  lb_cidr        = lookup(var.network_cidrs, "LB-SUBNET-CIDR")
  allow_ssh_from = var.admin_cidrs
}

resource "oci_core_security_list" "lb" {
  compartment_id = var.compartment_id
  vcn_id         = oci_core_vcn.main.id
  display_name   = "lb-\${terraform.workspace}"

  ingress_security_rules {
    protocol = "6"
    source   = lookup(var.network_cidrs, "ALL-CIDR")
    tcp_options {
      min = 443
      max = 443
    }
  }

  dynamic "ingress_security_rules" {
    for_each = var.lb_ports
    iterator = port
    content {
      protocol    = "6"
      source      = lookup(var.network_cidrs, "ALL-CIDR")
      description = "listener \${port.value}"
      tcp_options {
        min = port.value
        max = port.value
      }
    }
  }
}
`;

export const ROOT_TFVARS = `admin_cidrs = ["198.51.100.0/24", "203.0.113.7/32"]
lb_ports    = [80, 8080]
`;

export function oke(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'infra/main.tf': ROOT_MAIN,
    'infra/terraform.tfvars': ROOT_TFVARS,
    'infra/network/variables.tf': NETWORK_VARIABLES,
    'infra/network/locals.tf': NETWORK_LOCALS,
    'infra/network/nsg.tf': NETWORK_NSG,
    ...extra,
  };
}

/** The files as the workspace hands them to the source modules (of the Terraform kind). */
export function entries(files: Record<string, string>, previous?: Map<string, FileEntry>): FileEntry[] {
  return Object.entries(files)
    .filter(([p]) => classify(p) === 'terraform')
    .map(([p, t]) => {
      const old = previous?.get(p);
      return old && old.text === t ? old : new FileEntry(p, t, 'terraform');
    });
}
