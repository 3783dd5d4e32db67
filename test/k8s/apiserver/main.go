// Command apiserver runs a real kube-apiserver with an embedded etcd for l2speaker's Kubernetes tests.
//
// It generates fresh certificates, a service-account key and an admin token at every start, writes a
// kubeconfig, prints one JSON line {"ready":true,"kubeconfig":...,"url":...,"socket":...} on stdout
// once /readyz answers "ok", and stops both servers on SIGTERM or SIGINT. Logs go to stderr. The
// socket, DATA-DIR/apiserver.sock, forwards to the server from any network namespace.
//
//	apiserver --bind-address 192.0.2.250 --port 6443 --kubeconfig-out /tmp/kubeconfig [-- extra kube-apiserver flags]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

type options struct {
	bindAddress   string
	port          int
	dataDir       string
	kubeconfigOut string
	serviceCIDRs  string
}

// readyLine is the single line printed on stdout when the server is ready.
type readyLine struct {
	Ready             bool   `json:"ready"`
	Kubeconfig        string `json:"kubeconfig"`
	URL               string `json:"url"`
	Socket            string `json:"socket"`
	Token             string `json:"token"`
	CAFile            string `json:"caFile"`
	DataDir           string `json:"dataDir"`
	KubernetesVersion string `json:"kubernetesVersion"`
	StartMillis       int64  `json:"startMillis"`
}

func parseOptions() options {
	var o options
	flag.StringVar(&o.bindAddress, "bind-address", "127.0.0.1", "IP address to serve on (and to advertise)")
	flag.IntVar(&o.port, "port", 0, "secure port; 0 picks a free one")
	flag.StringVar(&o.dataDir, "data-dir", "", "directory for etcd data and credentials; default: a temporary one, removed on exit")
	flag.StringVar(&o.kubeconfigOut, "kubeconfig-out", "", "where to write the admin kubeconfig; default: DATA-DIR/kubeconfig")
	flag.StringVar(&o.serviceCIDRs, "service-cidr", "", "--service-cluster-ip-range; default: "+
		defaultServiceCIDRs(net.IPv4(127, 0, 0, 1))+" (IPv6 first for an IPv6 bind address)")
	flag.Parse()
	return o
}

// defaultServiceCIDRs is dual-stack, in documentation ranges only (ClusterIPs are never configured on
// an interface), led by the bind address's family as kube-apiserver requires. IPv4 holds 254
// ClusterIPs; Services beyond that ask for ipFamilies [IPv6], whose /108 holds a million.
func defaultServiceCIDRs(bind net.IP) string {
	if bind.To4() != nil {
		return "198.51.100.0/24,2001:db8:5c::/108"
	}
	return "2001:db8:5c::/108,198.51.100.0/24"
}

func kubernetesVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "k8s.io/kubernetes" {
				return dep.Version
			}
		}
	}
	return "unknown"
}

// stopWithParent asks the kernel for SIGTERM when the process that started this one dies, so that a
// crashed test run leaves no server behind.
func stopWithParent() {
	const prSetPdeathsig = 1
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetPdeathsig, uintptr(syscall.SIGTERM), 0); errno != 0 {
		fmt.Fprintln(os.Stderr, "apiserver: prctl(PR_SET_PDEATHSIG):", errno)
	}
}

func main() {
	stopWithParent()
	if err := run(parseOptions()); err != nil {
		fmt.Fprintln(os.Stderr, "apiserver:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	started := time.Now()
	bindIP := net.ParseIP(o.bindAddress)
	if bindIP == nil || bindIP.IsUnspecified() {
		return fmt.Errorf("--bind-address %q: want one concrete IP address", o.bindAddress)
	}
	serviceCIDRs := o.serviceCIDRs
	if serviceCIDRs == "" {
		serviceCIDRs = defaultServiceCIDRs(bindIP)
	}
	// Created first: it installs the SIGTERM/SIGINT handler whose context stops the server.
	command := app.NewAPIServerCommand()
	ctx := command.Context()

	dataDir := o.dataDir
	if dataDir == "" {
		tmp, err := os.MkdirTemp("", "l2speaker-apiserver-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dataDir = tmp
	}
	pkiDir := filepath.Join(dataDir, "pki")
	if err := os.MkdirAll(pkiDir, 0o700); err != nil {
		return err
	}
	kubeconfigPath := o.kubeconfigOut
	if kubeconfigPath == "" {
		kubeconfigPath = filepath.Join(dataDir, "kubeconfig")
	}
	port := o.port
	if port == 0 {
		p, err := freeLoopbackPort(o.bindAddress)
		if err != nil {
			return fmt.Errorf("--bind-address %s: %w", o.bindAddress, err)
		}
		port = p
	}
	url := "https://" + net.JoinHostPort(o.bindAddress, strconv.Itoa(port))

	creds, err := generateCredentials(pkiDir, []net.IP{bindIP})
	if err != nil {
		return err
	}
	etcd, etcdURL, err := startEtcd(filepath.Join(dataDir, "etcd"))
	if err != nil {
		return err
	}
	defer etcd.Close()

	args := []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=" + o.bindAddress,
		"--advertise-address=" + o.bindAddress,
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + pkiDir,
		"--tls-cert-file=" + creds.certFile,
		"--tls-private-key-file=" + creds.keyFile,
		"--token-auth-file=" + creds.tokenFile,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + creds.saKeyFile,
		"--service-account-signing-key-file=" + creds.saKeyFile,
		"--service-cluster-ip-range=" + serviceCIDRs,
		"--authorization-mode=RBAC",
		"--profiling=false",
	}
	if bindIP.IsLoopback() {
		// The "kubernetes" Service cannot point at a loopback address.
		args = append(args, "--endpoint-reconciler-type=none")
	}
	command.SetArgs(append(args, flag.Args()...))
	stopped := make(chan error, 1)
	go func() { stopped <- command.Execute() }()

	socketPath := filepath.Join(dataDir, "apiserver.sock")
	socket, err := serveSocket(socketPath, net.JoinHostPort(o.bindAddress, strconv.Itoa(port)))
	if err != nil {
		return err
	}
	defer socket.Close()

	if err := waitReady(ctx, url, creds, stopped); err != nil {
		return err
	}
	if err := writeKubeconfig(kubeconfigPath, url, creds); err != nil {
		return err
	}
	line, err := json.Marshal(readyLine{
		Ready: true, Kubeconfig: kubeconfigPath, URL: url, Socket: socketPath, Token: creds.adminToken, CAFile: creds.caFile,
		DataDir: dataDir, KubernetesVersion: kubernetesVersion(), StartMillis: time.Since(started).Milliseconds(),
	})
	if err != nil {
		return err
	}
	fmt.Println(string(line))

	if err := <-stopped; err != nil {
		return fmt.Errorf("kube-apiserver: %w", err)
	}
	return nil
}

// waitReady polls /readyz until it answers 200, the server exits, or the signal context ends.
func waitReady(ctx context.Context, url string, creds *credentials, stopped <-chan error) error {
	client, err := adminClient(creds)
	if err != nil {
		return err
	}
	deadline := time.After(3 * time.Minute)
	for {
		notReady := checkReady(ctx, client, url+"/readyz", creds.adminToken)
		if notReady == nil {
			return nil
		}
		select {
		case err := <-stopped:
			return fmt.Errorf("kube-apiserver exited before ready: %v", err)
		case <-ctx.Done():
			return fmt.Errorf("stopped before ready")
		case <-deadline:
			return fmt.Errorf("kube-apiserver not ready after 3 minutes: %w", notReady)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
