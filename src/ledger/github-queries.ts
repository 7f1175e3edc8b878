// The GraphQL documents of the GitHub ledger, and the shapes of their answers. Every field here is in
// GitHub's published schema (@octokit/graphql-schema); the fake GitHub validates each document against it.

/** One deployment with everything a DeploymentEntry needs, including its status history. */
const DEPLOYMENT_FIELDS = /* GraphQL */ `
  fragment DeployKitDeployment on Deployment {
    databaseId
    environment
    task
    payload
    commitOid
    createdAt
    description
    ref {
      name
    }
    creator {
      login
    }
    latestStatus {
      id
      state
    }
    statuses(first: 100) {
      nodes {
        id
        state
        description
        environmentUrl
        logUrl
        createdAt
      }
    }
  }
`;

/**
 * An environment's deployments, newest first, at most 100 a page (GitHub's limit of a connection).
 * `orderBy` is needed: GitHub lists deployments oldest first by default.
 */
export const HISTORY_QUERY = /* GraphQL */ `
  query DeployKitHistory($owner: String!, $name: String!, $environment: String!, $first: Int!, $after: String) {
    repository(owner: $owner, name: $name) {
      deployments(
        environments: [$environment]
        first: $first
        after: $after
        orderBy: { field: CREATED_AT, direction: DESC }
      ) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...DeployKitDeployment
        }
      }
    }
  }
  ${DEPLOYMENT_FIELDS}
`;

/** GraphQL's `DeploymentStatusState` (upper case; WAITING has no REST counterpart). */
export type GraphqlStatusState =
  | 'PENDING'
  | 'QUEUED'
  | 'IN_PROGRESS'
  | 'WAITING'
  | 'SUCCESS'
  | 'FAILURE'
  | 'ERROR'
  | 'INACTIVE';

export interface GraphqlDeploymentStatus {
  id: string;
  state: GraphqlStatusState;
  description: string | null;
  environmentUrl: string | null;
  logUrl: string | null;
  createdAt: string;
}

export interface GraphqlDeployment {
  databaseId: number | null;
  environment: string | null;
  task: string | null;
  /** The payload as a JSON string (GraphQL has no object scalar for it). */
  payload: string | null;
  commitOid: string;
  createdAt: string;
  description: string | null;
  /** Null when the deployment was made from a commit SHA (as deploy-kit makes them). */
  ref: { name: string } | null;
  creator: { login: string } | null;
  latestStatus: { id: string; state: GraphqlStatusState } | null;
  statuses: { nodes: (GraphqlDeploymentStatus | null)[] | null } | null;
}

export interface HistoryAnswer {
  repository: {
    deployments: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: (GraphqlDeployment | null)[] | null;
    };
  } | null;
}

/**
 * The environments that have deployments: deployments across every environment, newest first, only their
 * environment's name, at most 100 a page. One document for all environments (no per-environment call).
 */
export const ENVIRONMENTS_QUERY = /* GraphQL */ `
  query DeployKitEnvironments($owner: String!, $name: String!, $first: Int!, $after: String) {
    repository(owner: $owner, name: $name) {
      deployments(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          environment
        }
      }
    }
  }
`;

export interface EnvironmentsAnswer {
  repository: {
    deployments: {
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: ({ environment: string | null } | null)[] | null;
    };
  } | null;
}
