package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"time"
)

// writeKubeconfig writes an admin kubeconfig (token auth, CA inline) for url.
func writeKubeconfig(path, url string, creds *credentials) error {
	text := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
  - name: l2speaker-test
    cluster:
      server: %s
      certificate-authority-data: %s
users:
  - name: admin
    user:
      token: %s
contexts:
  - name: admin@l2speaker-test
    context:
      cluster: l2speaker-test
      user: admin
current-context: admin@l2speaker-test
`, url, base64.StdEncoding.EncodeToString(creds.caPEM), creds.adminToken)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func adminClient(creds *credentials) (*http.Client, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(creds.caPEM) {
		return nil, fmt.Errorf("CA certificate not parsable")
	}
	return &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}, nil
}

// checkReady returns nil when GET url answers 200 with the admin token, else why not.
func checkReady(ctx context.Context, client *http.Client, url, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", url, resp.StatusCode)
	}
	return nil
}
