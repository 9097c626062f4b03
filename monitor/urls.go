package monitor

import (
	"fmt"
	"net/url"
	"strings"
)

// trackingParams are query parameters that say how a reader arrived, not
// which article they read. Removing them makes one article one entry however
// it was shared.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "cmpid": true, "ocid": true,
	"smid": true, "smtyp": true, "ncid": true, "sr_share": true, "share": true, "s_cid": true,
	"icid": true, "mkt_tok": true, "spm": true, "guccounter": true, "taid": true,
}

// NormalizeURL returns the form of an article URL redline keys articles by:
// scheme and host in lower case, no default port, no fragment, no empty
// query, and no tracking parameters (utm_* and the like). Other query
// parameters keep their order: some sites put the article id there.
func NormalizeURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("url %q: %w", raw, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("url %q: scheme %q is not http or https", raw, u.Scheme)
	}
	if u.Host == "" {
		return "", fmt.Errorf("url %q: no host", raw)
	}
	host := strings.ToLower(u.Hostname())
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		u.Host = host + ":" + port
	} else if strings.Contains(host, ":") {
		u.Host = "[" + host + "]"
	} else {
		u.Host = host
	}
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawQuery != "" {
		var kept []string
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(kv, "=")
			if key, err := url.QueryUnescape(k); err == nil {
				k = key
			}
			lk := strings.ToLower(k)
			if kv == "" || strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
				continue
			}
			kept = append(kept, kv)
		}
		u.RawQuery = strings.Join(kept, "&")
	}
	u.ForceQuery = false
	return u.String(), nil
}
