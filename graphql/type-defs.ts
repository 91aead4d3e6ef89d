/**
 * The GraphQL schema (SDL). `schema.graphql` at the top of the repository is this text as the server prints it;
 * a test keeps the two in sync (`npm run schema` rewrites the file).
 */
export const typeDefs = /* GraphQL */ `
  "An ISO 8601 date-time with offset, e.g. 2026-11-26T10:00:00+08:00."
  scalar DateTime
  "A calendar date, YYYY-MM-DD."
  scalar Date
  "Any JSON value (used for uniform metadata, which follows docs/metadata.md)."
  scalar JSON

  type Query {
    "Who the request acts as."
    viewer: Viewer!
    "Full-text and faceted search of the shared library (published resources)."
    search(
      text: String
      filters: SearchFilters
      sort: SearchSort = RELEVANCE
      first: Int = 20
      after: String
      facets: [Facet!]
    ): SearchConnection!
    "A resource of the shared library by id, index number or document number."
    resource(id: ID, indexNumber: String, docNumber: String): LibraryResource
    sites: [Site!]!
    site(id: ID!): Site
    "A site's drafts and review queues: its own staff, platform administrators and auditors only (R-SEC-2)."
    siteWorkflow(siteId: ID!, statuses: [WorkflowStatus!]): [WorkflowItem!]!
    "What waits for the viewer's review, on every site where they hold a role."
    myReviewQueue: [WorkflowItem!]!
    "Who did what to a resource, when, in which role and why (R-REVIEW-5)."
    reviewHistory(resourceId: ID!): [ReviewAction!]!
    person(id: ID!): Person
    "A site's API keys (never their secrets): its administrator, platform administrators and auditors."
    apiKeys(siteId: ID!): [ApiKey!]!
    "What was pushed to a site, newest first: its staff, its API keys, platform administrators and auditors."
    pushInbox(
      siteId: ID!
      statuses: [PushDeliveryStatus!]
      "Only important pushes still open after their 12-hour deadline (R-PUSH-3)."
      overdueOnly: Boolean
      first: Int = 50
      after: String
    ): PushDeliveryConnection!
    "What a site pushed, one entry per receiving site, newest first."
    pushOutbox(
      siteId: ID!
      statuses: [PushDeliveryStatus!]
      overdueOnly: Boolean
      first: Int = 50
      after: String
    ): PushDeliveryConnection!
    "Every site's pushes, for supervision (R-PUSH-3): platform administrators and auditors."
    pushDeliveries(
      statuses: [PushDeliveryStatus!]
      overdueOnly: Boolean
      first: Int = 50
      after: String
    ): PushDeliveryConnection!
  }

  type Mutation {
    draftResource(input: DraftResourceInput!): ResourcePayload!
    editResource(input: EditResourceInput!): ResourcePayload!
    submitResource(resourceId: ID!): ResourcePayload!
    passFirstReview(resourceId: ID!, comment: String): ResourcePayload!
    passSecondReview(resourceId: ID!, comment: String): ResourcePayload!
    passFinalReview(resourceId: ID!, comment: String): ResourcePayload!
    rejectResource(resourceId: ID!, reason: String!): ResourcePayload!
    publishResource(resourceId: ID!, columnIds: [ID!]): ResourcePayload!
    correctResource(input: CorrectResourceInput!): ResourcePayload!
    withdrawResource(resourceId: ID!, reason: String!): ResourcePayload!
    archiveResource(resourceId: ID!, reason: String!): ResourcePayload!

    openSite(input: OpenSiteInput!): SitePayload!
    changeSite(input: ChangeSiteInput!): SitePayload!
    takeSiteOffline(input: TakeSiteOfflineInput!): SitePayload!
    bringSiteOnline(siteId: ID!, reason: String!): SitePayload!
    addChannel(input: AddChannelInput!): SitePayload!
    addColumn(input: AddColumnInput!): SitePayload!
    archiveTopic(siteId: ID!, columnId: ID!, reason: String!): SitePayload!
    migrateSiteContent(siteId: ID!, toSiteId: ID!, reason: String!): SitePayload!
    closeSite(siteId: ID!, approvedBy: ID!, reason: String!): SitePayload!
    "R-SITE-6: power or network failure, or an ordered emergency shutdown; not counted toward the yearly offline quota."
    reportOutage(siteId: ID!, outageId: ID!, cause: OutageCause!, startedAt: DateTime!, reason: String!): SitePayload!
    endOutage(siteId: ID!, outageId: ID!, endedAt: DateTime!): SitePayload!
    "An outage over 72 hours becomes a temporary offline from the day it started."
    convertOutageToOffline(siteId: ID!, outageId: ID!, until: Date!, approvedBy: ID!, reason: String!): SitePayload!
    "R-PUSH-4: a portal opens chosen columns to a sub-site's editors; what they submit there passes the portal's review."
    grantColumnCoBuilding(siteId: ID!, partnerSiteId: ID!, columnIds: [ID!]!, reason: String!): SitePayload!
    revokeColumnCoBuilding(siteId: ID!, partnerSiteId: ID!, columnIds: [ID!]!, reason: String!): SitePayload!

    "R-PUSH-1: offer one of the site's published resources to other sites; important ones carry a 12-hour deadline."
    pushResource(input: PushResourceInput!): PushPayload!
    "The receiving site's second review of a push."
    passPushSecondReview(pushId: ID!, siteId: ID!, comment: String): PushPayload!
    "The receiving site's final review of a push, by an approver other than the second reviewer."
    passPushFinalReview(pushId: ID!, siteId: ID!, comment: String): PushPayload!
    "Take the pushed resource into a column (the suggested one unless named): a placement of the same resource."
    acceptPush(pushId: ID!, siteId: ID!, columnId: ID): PushPayload!
    "R-PUSH-2: the receiving site declines, with a reason."
    declinePush(pushId: ID!, siteId: ID!, reason: String!): PushPayload!
    "The pushing site takes back the push from the sites that have not yet accepted or declined it (all, or those named)."
    recallPush(pushId: ID!, reason: String!, siteIds: [ID!]): PushPayload!

    "Platform administrators extend the second level of the subject taxonomy."
    addSubject(top: String!, second: String!, reason: String!): [String!]!
    "Platform administrators record a year's holiday arrangement (R-SUP-2) for years the calendar package lacks."
    recordCalendarYear(year: Int!, holidays: [Date!]!, adjustedWorkdays: [Date!]!, reason: String!): [Int!]!

    registerPerson(personId: ID!, name: String!, unit: String): PersonPayload!
    grantSiteRole(personId: ID!, siteId: ID!, role: SiteRole!, reason: String!): PersonPayload!
    revokeSiteRole(personId: ID!, siteId: ID!, role: SiteRole!, reason: String!): PersonPayload!
    grantPlatformRole(personId: ID!, role: PlatformRole!, reason: String!): PersonPayload!
    revokePlatformRole(personId: ID!, role: PlatformRole!, reason: String!): PersonPayload!
    deactivatePerson(personId: ID!, reason: String!): PersonPayload!

    "A key for a site's machine clients (read-only unless granted drafting); the key is in the answer once and never again."
    createApiKey(
      siteId: ID!
      name: String!
      "Grant drafting: the key may draft, edit and submit on its site (a CMS feeding the review); never review or publish."
      mayDraft: Boolean = false
    ): CreatedApiKey!
    revokeApiKey(keyId: ID!, reason: String!): ApiKey!
  }

  type Subscription {
    "A resource was published (or a correction of it), optionally only on a site, in a column, or under a subject."
    resourcePublished(siteId: ID, columnId: ID, subject: String): LibraryResource!
    "Something changed in the review queues of a site the viewer works on."
    reviewQueueChanged(siteId: ID!): WorkflowItem!
    "A site pushed a resource to this site."
    pushReceived(siteId: ID!): PushDelivery!
    "A push from or to this site changed: reviewed, accepted, declined, recalled, or its original withdrawn."
    pushStatusChanged(siteId: ID!): PushDelivery!
  }

  enum PushDeliveryStatus {
    pending
    second_review_passed
    final_review_passed
    accepted
    declined
    recalled
    "The original was withdrawn by its site: it is gone from every site that took it."
    withdrawn
  }

  "A push as one receiving site sees it."
  type PushDelivery {
    pushId: ID!
    resourceId: ID!
    originSiteId: ID!
    siteId: ID!
    "The resource's title and version (updated when the original is corrected)."
    title: String!
    version: Int!
    important: Boolean!
    pushedAt: DateTime!
    pushedBy: ID!
    note: String
    suggestedColumnId: ID
    status: PushDeliveryStatus!
    "The column it was accepted into."
    columnId: ID
    decidedAt: DateTime
    decidedBy: ID
    reason: String
    "Important pushes only: 12 hours after the push (R-PUSH-3)."
    deadline: DateTime
    "Important pushes: whether it was accepted within the deadline; null while undecided."
    deadlineMet: Boolean
    "An important push still open here after its deadline."
    overdue: Boolean!
  }

  type PushDeliveryConnection {
    edges: [PushDeliveryEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type PushDeliveryEdge {
    cursor: String!
    node: PushDelivery!
  }

  type PushTarget {
    siteId: ID!
    stage: PushDeliveryStatus!
    suggestedColumnId: ID
    columnId: ID
  }

  type PushPayload {
    pushId: ID!
    resourceId: ID!
    originSiteId: ID!
    important: Boolean!
    deadline: DateTime
    "The receiving sites the command touched (every one, for a new push), as they stand after it."
    targets: [PushTarget!]!
    "Types of the events the command recorded."
    events: [String!]!
  }

  input PushTargetInput {
    siteId: ID!
    "The column suggested to the receiving site."
    columnId: ID
  }

  input PushResourceInput {
    pushId: ID!
    resourceId: ID!
    targets: [PushTargetInput!]!
    important: Boolean
    note: String
  }

  type CoBuildingGrant {
    partnerSiteId: ID!
    columnIds: [ID!]!
  }

  union Viewer = PersonViewer | ApiKeyViewer | AnonymousViewer

  type ApiKeyViewer {
    keyId: ID!
    siteId: ID!
  }

  type ApiKey {
    id: ID!
    siteId: ID!
    name: String!
    revoked: Boolean!
    "Whether the key may draft, edit and submit on its site."
    mayDraft: Boolean!
  }

  type CreatedApiKey {
    apiKey: ApiKey!
    "Send it as the header Authorization: ApiKey <key> (or X-Api-Key: <key>)."
    key: String!
  }

  type PersonViewer {
    person: Person!
  }

  type AnonymousViewer {
    "Whether anonymous clients may read the published library on this platform."
    mayReadLibrary: Boolean!
  }

  type Person {
    id: ID!
    name: String!
    deactivated: Boolean!
    platformRoles: [PlatformRole!]!
    siteRoles: [SiteRoleGrant!]!
  }

  type SiteRoleGrant {
    siteId: ID!
    roles: [SiteRole!]!
  }

  enum SiteRole {
    editor
    reviewer
    approver
    site_admin
  }

  enum PlatformRole {
    platform_admin
    auditor
  }

  enum OutageCause {
    power_failure
    network_failure
    ordered_shutdown
  }

  enum SearchSort {
    RELEVANCE
    NEWEST
    OLDEST
  }

  enum Facet {
    SUBJECT
    GENRE
    SITE
    YEAR
  }

  input DateRange {
    from: Date
    to: Date
  }

  input SearchFilters {
    siteIds: [ID!]
    "siteId/columnId"
    columns: [String!]
    subjects: [String!]
    genres: [String!]
    publishers: [String!]
    resourceTypes: [String!]
    validity: [String!]
    publishedAt: DateRange
    writtenAt: DateRange
    includeArchived: Boolean
  }

  type SearchConnection {
    edges: [SearchEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
    facets: [FacetCounts!]!
  }

  type SearchEdge {
    cursor: String!
    node: LibraryResource!
    score: Float!
    "Title and body fragments with matches in <em>…</em>; everything else HTML-escaped."
    highlights: Highlights!
  }

  type Highlights {
    title: String!
    body: String!
  }

  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  type FacetCounts {
    facet: Facet!
    values: [FacetCount!]!
  }

  type FacetCount {
    value: String!
    count: Int!
  }

  type Placement {
    siteId: ID!
    columnId: ID!
    site: Site
  }

  type PublishedVersion {
    version: Int!
    publishedAt: DateTime!
    title: String!
  }

  "A published resource of the shared library."
  type LibraryResource {
    id: ID!
    indexNumber: String!
    siteId: ID!
    status: String!
    version: Int!
    title: String!
    publisher: String!
    docNumber: String
    subject: String!
    genre: String!
    resourceType: String!
    publishedAt: DateTime!
    firstPublishedAt: DateTime!
    "The uniform metadata as published (docs/metadata.md)."
    metadata: JSON!
    placements: [Placement!]!
    versions: [PublishedVersion!]!
  }

  type Site {
    id: ID!
    kind: String!
    name: String!
    hostUnit: HostUnit!
    domains: Domains!
    status: String!
    channels: [Channel!]!
    "R-SITE-8 advisories (reported, never enforced)."
    advisories: [Advisory!]!
    "Portal columns opened to sub-sites for co-building (R-PUSH-4)."
    coBuilding: [CoBuildingGrant!]!
  }

  type HostUnit {
    name: String!
    code: String!
  }

  type Domains {
    english: String!
    chinese: String!
  }

  type Channel {
    id: ID!
    name: String!
    path: String!
    columns: [Column!]!
  }

  type Column {
    id: ID!
    name: String!
    path: String!
    updateCycle: String!
    topic: Boolean!
    archived: Boolean!
  }

  type Advisory {
    code: String!
    rule: String!
    message: String!
    messageZh: String!
  }

  enum WorkflowStatus {
    draft
    submitted
    first_review_passed
    second_review_passed
    final_review_passed
    published
    withdrawn
    archived
  }

  type WorkflowItem {
    resourceId: ID!
    siteId: ID!
    "The sub-site whose editors drafted it into a co-built column of this portal (R-PUSH-4)."
    contributorSiteId: ID
    status: WorkflowStatus!
    version: Int!
    title: String!
    writers: [ID!]!
    updatedAt: DateTime!
  }

  type ReviewAction {
    type: String!
    actorId: ID!
    actorRole: String!
    occurredAt: DateTime!
    version: Int
    reason: String
    comment: String
  }

  type ResourcePayload {
    resourceId: ID!
    status: WorkflowStatus!
    version: Int!
    indexNumber: String
    "Types of the events the command recorded (empty when it changed nothing)."
    events: [String!]!
  }

  type SitePayload {
    site: Site!
    events: [String!]!
    advisories: [Advisory!]!
  }

  type PersonPayload {
    person: Person!
    events: [String!]!
  }

  input DraftResourceInput {
    resourceId: ID!
    siteId: ID!
    metadata: JSON!
    "Drafting as a sub-site's editor into a portal column opened to it (R-PUSH-4)."
    contributor: ContributorInput
  }

  input ContributorInput {
    siteId: ID!
    columnId: ID!
  }

  input EditResourceInput {
    resourceId: ID!
    metadata: JSON!
  }

  input CorrectResourceInput {
    resourceId: ID!
    metadata: JSON!
    reason: String!
  }

  input HostUnitInput {
    name: String!
    code: String!
  }

  input DomainsInput {
    english: String!
    chinese: String!
  }

  input OpenSiteInput {
    siteId: ID!
    kind: String!
    hostUnit: HostUnitInput!
    name: String!
    domains: DomainsInput!
    approvedBy: ID!
    reason: String!
  }

  input ChangeSiteInput {
    siteId: ID!
    name: String
    domains: DomainsInput
    approvedBy: ID!
    reason: String!
  }

  input TakeSiteOfflineInput {
    siteId: ID!
    from: Date!
    until: Date!
    approvedBy: ID!
    reason: String!
  }

  input AddChannelInput {
    siteId: ID!
    channelId: ID!
    name: String!
    path: String!
  }

  input AddColumnInput {
    siteId: ID!
    channelId: ID!
    columnId: ID!
    name: String!
    path: String!
    updateCycle: String!
    topic: Boolean
  }
`;
