/** Shared manifests for the editor-feature tests. */
export const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        tier: front
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - name: https
              containerPort: 8443
            - name: metrics
              containerPort: 9102
            - name: dns
              containerPort: 53
              protocol: UDP
`;

export const OTHER_NS_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: batch
  namespace: jobs
spec:
  template:
    metadata:
      labels:
        app: batch
    spec:
      containers:
        - name: b
          image: x
`;

export const ZONE_SSH = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <service name="ssh"/>
</zone>
`;

export const ZONE_30443 = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <service name="ssh"/>
  <port port="30443" protocol="tcp"/>
  <port port="10256" protocol="tcp"/>
</zone>
`;

export const LB = `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
    - name: https
      port: 443
      targetPort: https
      nodePort: 30443
`;
