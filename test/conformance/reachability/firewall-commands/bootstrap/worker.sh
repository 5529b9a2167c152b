#!/bin/bash
set -euo pipefail

# kubelet, and the node port of the API gateway
sudo firewall-cmd --permanent --zone=public --add-port=10250/tcp
sudo firewall-cmd --permanent --zone=public --add-port=30443/tcp
# runtime only: gone after a reboot
sudo firewall-cmd --zone=public --add-port=30090/tcp
sudo firewall-cmd --reload
