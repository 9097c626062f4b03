package main

// waybackConfig is the wayback block of config.yaml: where `redline import
// --wayback` lists an article's captures.
type waybackConfig struct {
	CDXURL       at[string] `yaml:"cdx_url"`
	AllowPrivate at[bool]   `yaml:"allow_private"`
}

// Wayback is the compiled wayback block.
type Wayback struct {
	// CDXURL is the CDX API listing captures; the captures themselves are
	// read from the same scheme and host, at /web/<timestamp>id_/<url>.
	CDXURL string
	// AllowPrivate lets the CDX API and its captures be on a loopback or
	// private address (a local replay of an archive); default the
	// global allow_private.
	AllowPrivate bool
}

// defaultCDXURL is the Internet Archive's CDX API.
const defaultCDXURL = "https://web.archive.org/cdx/search/cdx"

// wayback compiles the wayback block.
func (v *validator) wayback(wc waybackConfig, allowPrivate bool) Wayback {
	w := Wayback{CDXURL: defaultCDXURL, AllowPrivate: allowPrivate}
	if wc.CDXURL.Line > 0 {
		u, err := checkURL(wc.CDXURL.V)
		if err != nil {
			v.add(wc.CDXURL.Line, "wayback.cdx_url", "%v", err)
		}
		w.CDXURL = u
	}
	if wc.AllowPrivate.Line > 0 {
		w.AllowPrivate = wc.AllowPrivate.V
	}
	return w
}
