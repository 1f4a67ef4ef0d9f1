// Package keyring is the gossip encryption keyring: the AES keys an agent
// accepts on the LAN gossip pool, one of them primary (the key it encrypts
// with), persisted in the data directory so keys installed at run time
// survive a restart.
//
// Keys are 16, 24 or 32 bytes (AES-128/192/256) and travel base64-encoded
// (standard alphabet, padded), as `consul keygen` prints them. Operations
// follow Consul's keyring: Install adds a key (installing one already there
// changes nothing); Use makes an installed key primary; Remove drops a key
// but never the primary; List returns every key, primary first.
//
// The file is Consul's `<data_dir>/serf/local.keyring`: a JSON array of
// base64 keys, primary first. It is rewritten after every change with an
// atomic replace (temporary file, fsync, rename, fsync of the directory),
// so a crash leaves the old or the new keyring, never a torn one. Once the
// file exists it wins over the `encrypt` setting, as in Consul: `encrypt`
// only seeds the first keyring; later keys come from keyring operations.
//
// The package does not import memberlist: [Keyring.Keys] and
// [Keyring.Primary] are what memberlist.NewKeyring takes, and a caller that
// runs a memberlist keyring mirrors each successful Install, Use or Remove
// onto it. A Keyring is safe for concurrent use.
package keyring
