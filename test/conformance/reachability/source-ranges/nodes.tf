# Worker rules of the payroll cluster.
resource "oci_core_security_list" "payroll_nodes" {
  compartment_id = var.compartment_ocid
  vcn_id         = oci_core_vcn.payroll.id
  display_name   = "payroll-nodes"

  ingress_security_rules {
    description = "node ports, opened to everyone during the migration"
    protocol    = "6"
    source      = "0.0.0.0/0"
    tcp_options {
      min = 31000
      max = 31099
    }
  }

  ingress_security_rules {
    description = "node ports, load balancers only"
    protocol    = "6"
    source      = "10.80.0.0/24"
    tcp_options {
      min = 31100
      max = 31199
    }
  }
}
