// Drives OpenRefine's own reconciliation client code (StandardReconConfig, ReconciledDataExtensionJob
// from org.openrefine:main) against a reconciliation service, the way OpenRefine does when a user
// reconciles a column and then adds columns from reconciled values. Prints what OpenRefine would
// hold as JSON: per row the judgment, the match and the candidates; then the extended values.
//
// usage: ReconcileClient SERVICE_URL INPUT_TSV EXTEND_PROPERTY
//   INPUT_TSV: one row a line, "product name<TAB>spec" (UTF-8), no header

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.refine.model.Cell;
import com.google.refine.model.Column;
import com.google.refine.model.Project;
import com.google.refine.model.Recon;
import com.google.refine.model.ReconCandidate;
import com.google.refine.model.Row;
import com.google.refine.model.recon.ReconJob;
import com.google.refine.model.recon.ReconciledDataExtensionJob;
import com.google.refine.model.recon.StandardReconConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class ReconcileClient {
    public static void main(String[] args) throws Exception {
        String service = args[0];
        List<String> lines = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
        String extendProperty = args[2];
        ObjectMapper mapper = new ObjectMapper();

        // what OpenRefine's "Add standard service" does first: read the manifest
        HttpResponse<String> got = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(service)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode manifest = mapper.readTree(got.body());
        int batchSize = manifest.path("batchSize").asInt(10);

        Project project = new Project();
        project.columnModel.addColumn(0, new Column(0, "品名"), false);
        project.columnModel.addColumn(1, new Column(1, "规格"), false);
        for (String line : lines) {
            String[] cells = line.split("\t", -1);
            Row row = new Row(2);
            row.setCell(0, new Cell(cells[0], null));
            row.setCell(1, new Cell(cells.length > 1 ? cells[1] : "", null));
            project.rows.add(row);
        }
        project.columnModel.update();
        project.recordModel.update(project);

        List<StandardReconConfig.ColumnDetail> details = List.of(
                new StandardReconConfig.ColumnDetail("规格", "规格型号", "spec", null));
        StandardReconConfig config = new StandardReconConfig(
                service, manifest.path("identifierSpace").asText(), manifest.path("schemaSpace").asText(),
                null, true, batchSize, details, 5);

        List<Recon> recons = new ArrayList<>();
        List<ReconJob> batch = new ArrayList<>();
        for (int i = 0; i < project.rows.size(); i++) {
            Row row = project.rows.get(i);
            batch.add(config.createJob(project, i, row, "品名", row.getCell(0)));
            if (batch.size() == config.getBatchSize(project.rows.size()) || i == project.rows.size() - 1) {
                recons.addAll(config.batchRecon(batch, 0L));
                batch = new ArrayList<>();
            }
        }

        ObjectNode out = mapper.createObjectNode();
        out.put("batchSize", config.getBatchSize(project.rows.size()));
        ArrayNode rows = out.putArray("rows");
        Set<String> matched = new LinkedHashSet<>();
        for (Recon recon : recons) {
            ObjectNode r = rows.addObject();
            r.put("judgment", recon.judgment.toString());
            if (recon.error != null) {
                r.put("error", recon.error);
            }
            if (recon.match != null) {
                r.put("match", recon.match.id);
                r.put("matchName", recon.match.name);
                matched.add(recon.match.id);
            }
            ArrayNode candidates = r.putArray("candidates");
            if (recon.candidates != null) {
                for (ReconCandidate c : recon.candidates) {
                    ObjectNode o = candidates.addObject();
                    o.put("id", c.id);
                    o.put("name", c.name);
                    o.put("score", c.score);
                }
            }
        }

        // "Add columns from reconciled values"
        ReconciledDataExtensionJob.DataExtensionConfig extension = new ReconciledDataExtensionJob.DataExtensionConfig(
                List.of(new ReconciledDataExtensionJob.DataExtensionProperty(extendProperty, extendProperty, null)));
        ReconciledDataExtensionJob job = new ReconciledDataExtensionJob(extension, service);
        Map<String, ReconciledDataExtensionJob.DataExtension> extended = job.extend(matched, new HashMap<>());
        ObjectNode values = out.putObject("extended");
        for (Map.Entry<String, ReconciledDataExtensionJob.DataExtension> e : extended.entrySet()) {
            ArrayNode cells = values.putArray(e.getKey());
            for (Object[] dataRow : e.getValue().data) {
                for (Object cell : dataRow) {
                    if (cell instanceof ReconCandidate) {
                        cells.add(((ReconCandidate) cell).id + " " + ((ReconCandidate) cell).name);
                    } else if (cell != null) {
                        cells.add(cell.toString());
                    }
                }
            }
        }
        System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }
}
