#!/usr/bin/env bash
# Makes the test certificate authority and the server certificate it signs (for
# `secmaster.test.invalid` and 127.0.0.1), valid for 100 years, with OpenSSL. Run from this folder;
# the outputs are checked in, so tests need no OpenSSL.
set -euo pipefail
openssl ecparam -name prime256v1 -genkey -noout -out ca.key
openssl req -x509 -new -key ca.key -sha256 -days 36500 -subj "/CN=secmaster test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem
openssl ecparam -name prime256v1 -genkey -noout -out server.key.sec1
openssl pkcs8 -topk8 -nocrypt -in server.key.sec1 -out server.key
rm server.key.sec1
openssl req -new -key server.key -subj "/CN=secmaster.test.invalid" -out server.csr
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:secmaster.test.invalid,IP:127.0.0.1\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 36500 -sha256 -extfile server.ext -out server.pem
rm server.csr server.ext ca.srl ca.key
