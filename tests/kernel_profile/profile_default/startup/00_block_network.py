# Loaded by every kernel the test suite starts (IPYTHONDIR points here): any connection from
# notebook code to an address other than 127.0.0.1 / ::1 raises instead of leaving the machine.
from pytest_socket import socket_allow_hosts

socket_allow_hosts(["127.0.0.1", "::1"], allow_unix_socket=True)
