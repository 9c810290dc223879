# pki.sh - a throw-away certificate authority for the Kubernetes
# fixture's TLS port, sourced by tests/e2e/k8s.sh (the tests' CAs and
# client certificates) and demo/demo.sh (the demo's https port):
#   pki_conf DIR          DIR/openssl.cnf with the extensions ca, server
#                         (IP 127.0.0.1, DNS localhost) and client
#   pki_ca RUN DIR NAME CN DAYS
#                         a self-signed CA: DIR/NAME.key, DIR/NAME.crt
#   pki_leaf RUN DIR NAME SUBJECT CA DAYS
#                         a key and a certificate signed by DIR/CA: the
#                         server extensions when NAME is server, else
#                         the client ones
# RUN runs openssl: openssl itself, or the caller's wrapper that logs
# and fails. Every key is EC P-256; every serial random.
pki_conf() {
	mkdir -p "$1"
	cat >"$1/openssl.cnf" <<'CNF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
[client]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
CNF
}

pki_ca() {
	"$1" req -x509 -config "$2/openssl.cnf" -extensions ca -newkey ec \
		-pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$2/$3.key" -out "$2/$3.crt" \
		-days "$5" -subj "/CN=$4"
}

pki_leaf() {
	pki_ext=client
	[ "$3" = server ] && pki_ext=server
	"$1" req -config "$2/openssl.cnf" -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$2/$3.key" -out "$2/$3.csr" -subj "$4" &&
		"$1" x509 -req -in "$2/$3.csr" -CA "$2/$5.crt" -CAkey "$2/$5.key" \
			-set_serial "$(od -An -N6 -tu8 /dev/urandom | tr -d ' ')" -days "$6" \
			-extfile "$2/openssl.cnf" -extensions "$pki_ext" -out "$2/$3.crt"
}
