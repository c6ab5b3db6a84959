"""Identity: users' Ed25519 key files (scrypt-encrypted when a passphrase protects them), signing
and checking signatures."""
