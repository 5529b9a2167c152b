#!/bin/bash
set -euo pipefail
# open what the kubelet and the node ports need
sudo firewall-cmd --permanent --zone=public --add-port=10250/tcp # near-miss: firewall-command-invalid
sudo firewall-cmd --permanent --zone=public --add-port=30000-32767tcp # expect: firewall-command-invalid
sudo firewall-cmd --permanent --zone=public --add-port=30000-32767/tcp # near-miss: firewall-command-invalid
sudo firewall-cmd --permanent --add-rich-rule='rule family="ipv4" source address="10.0.0.0/16" accept' # near-miss: firewall-command-invalid
sudo firewall-cmd --permanent --add-rich-rule='rule source address="10.0.0.0/16" accept' # expect: firewall-command-invalid
echo "firewall-cmd --add-port=oops" # near-miss: firewall-command-invalid
sudo firewall-cmd --reload
